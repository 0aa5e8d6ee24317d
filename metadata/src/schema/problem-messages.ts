import type { Problem, ProblemCode } from './problems.js';

/** The languages every user-facing message exists in. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A label in both languages, as metadata carries them. */
export type Label = Readonly<Record<Language, string>>;

type Params = Readonly<Record<string, unknown>>;
/** One message: both languages, from the problem's params. Undefined when the params do not fit. */
type Template = (p: Params) => Label | undefined;

const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : String(v));
const has = (p: Params, key: string) => p[key] !== undefined && p[key] !== null;
const isLabel = (v: unknown): v is Label =>
  typeof v === 'object' && v !== null && typeof (v as Label).en === 'string' && typeof (v as Label)['zh-CN'] === 'string';
/** "Name is required" when the field's label is known, "is required" otherwise. */
const withLabel = (p: Params, en: string, zh: string): Label =>
  isLabel(p.label) ? { en: `${p.label.en} ${en}`, 'zh-CN': `${p.label['zh-CN']}${zh}` } : { en, 'zh-CN': zh };

const TYPE_NAMES: Record<string, Label> = {
  string: { en: 'text', 'zh-CN': '文本' },
  number: { en: 'a number', 'zh-CN': '数字' },
  integer: { en: 'a whole number', 'zh-CN': '整数' },
  boolean: { en: 'true or false', 'zh-CN': '是或否' },
  array: { en: 'a list', 'zh-CN': '列表' },
  object: { en: 'an object', 'zh-CN': '对象' },
};

const FORMAT_NAMES: Record<string, Label> = {
  email: { en: 'a valid email address', 'zh-CN': '有效的电子邮件地址' },
  phone: { en: 'a valid phone number', 'zh-CN': '有效的电话号码' },
  url: {
    en: 'a valid web address (http or https)',
    'zh-CN': '有效的网址（http 或 https）',
  },
  date: { en: 'a date (YYYY-MM-DD)', 'zh-CN': '日期（YYYY-MM-DD）' },
  'date-time': {
    en: 'a date and time (ISO 8601)',
    'zh-CN': '日期时间（ISO 8601）',
  },
  decimal: { en: 'a number', 'zh-CN': '数字' },
  integer: { en: 'a whole number', 'zh-CN': '整数' },
  id: {
    en: 'a record id (24 hex digits)',
    'zh-CN': '记录 ID（24 位十六进制）',
  },
  boolean: { en: 'yes or no', 'zh-CN': '是或否' },
};

/**
 * The templates, by code. Each looks at the params it knows, most specific first. The
 * params are the contract with the UIs, which may format them themselves.
 */
const TEMPLATES: Partial<Record<ProblemCode, Template[]>> = {
  REQUIRED: [(p) => withLabel(p, 'is required', '为必填项')],
  UNKNOWN_PROPERTY: [
    (p) =>
      has(p, 'property')
        ? {
            en: `"${String(p.property)}" is not a field here`,
            'zh-CN': `“${String(p.property)}”不是此处的字段`,
          }
        : undefined,
  ],
  WRONG_TYPE: [
    (p) => {
      const name = TYPE_NAMES[String(p.type).split(',')[0] ?? ''];
      return name ? { en: `must be ${name.en}`, 'zh-CN': `必须是${name['zh-CN']}` } : undefined;
    },
  ],
  NOT_ALLOWED_VALUE: [
    (p) =>
      has(p, 'retired')
        ? {
            en: `option ${list(p.retired)} is no longer offered`,
            'zh-CN': `选项 ${list(p.retired)} 已停用`,
          }
        : undefined,
    (p) =>
      has(p, 'value') && typeof p.value !== 'object'
        ? {
            en: `"${String(p.value)}" is not an option`,
            'zh-CN': `“${String(p.value)}”不是可选项`,
          }
        : undefined,
    (p) =>
      has(p, 'allowed')
        ? {
            en: `must be one of: ${list(p.allowed)}`,
            'zh-CN': `必须是以下之一：${list(p.allowed)}`,
          }
        : undefined,
  ],
  BAD_FORMAT: [
    (p) =>
      p.nul === true
        ? {
            en: 'may not contain NUL characters (U+0000)',
            'zh-CN': '不能包含空字符 (U+0000)',
          }
        : undefined,
    (p) =>
      p.format === 'decimal' && has(p, 'scale')
        ? {
            en: `has more than ${String(p.scale)} decimal places`,
            'zh-CN': `小数位数不能超过 ${String(p.scale)} 位`,
          }
        : undefined,
    (p) =>
      p.format === 'decimal' && has(p, 'digits')
        ? {
            en: `has more than ${String(p.digits)} digits before the decimal point`,
            'zh-CN': `整数部分不能超过 ${String(p.digits)} 位`,
          }
        : undefined,
    (p) => {
      const name = FORMAT_NAMES[String(p.format)];
      return name ? { en: `must be ${name.en}`, 'zh-CN': `必须是${name['zh-CN']}` } : undefined;
    },
  ],
  OUT_OF_RANGE: [
    (p) =>
      has(p, 'min')
        ? {
            en: `must be at least ${String(p.min)}`,
            'zh-CN': `不能小于 ${String(p.min)}`,
          }
        : undefined,
    (p) =>
      has(p, 'max')
        ? {
            en: `must be at most ${String(p.max)}`,
            'zh-CN': `不能大于 ${String(p.max)}`,
          }
        : undefined,
    (p) =>
      has(p, 'minLength')
        ? {
            en: `must have at least ${String(p.minLength)} characters`,
            'zh-CN': `至少需要 ${String(p.minLength)} 个字符`,
          }
        : undefined,
    (p) =>
      has(p, 'maxLength')
        ? {
            en: `must have at most ${String(p.maxLength)} characters`,
            'zh-CN': `不能超过 ${String(p.maxLength)} 个字符`,
          }
        : undefined,
    (p) =>
      has(p, 'minItems')
        ? {
            en: `must have at least ${String(p.minItems)} items`,
            'zh-CN': `至少需要 ${String(p.minItems)} 项`,
          }
        : undefined,
    (p) =>
      has(p, 'maxItems')
        ? {
            en: `must have at most ${String(p.maxItems)} items`,
            'zh-CN': `不能超过 ${String(p.maxItems)} 项`,
          }
        : undefined,
  ],
  UNKNOWN_VARIANT: [
    (p) =>
      has(p, 'allowed')
        ? {
            en: `must be one of: ${list(p.allowed)}`,
            'zh-CN': `必须是以下之一：${list(p.allowed)}`,
          }
        : undefined,
  ],
  INVALID: [(p) => (isLabel(p.message) ? p.message : undefined)],
  READ_ONLY: [
    (p) => (p.hidden === true ? withLabel(p, 'is hidden on this form and cannot be changed', '在此表单中隐藏，不能修改') : undefined),
    (p) => withLabel(p, 'is read-only', '为只读'),
  ],
  IMMUTABLE: [
    (p) =>
      p.computed === true
        ? {
            en: 'is computed and cannot be written',
            'zh-CN': '为计算字段，不能写入',
          }
        : undefined,
    (p) =>
      p.system === true
        ? {
            en: 'is set by the platform and cannot be written',
            'zh-CN': '由系统设置，不能写入',
          }
        : undefined,
  ],
  DUPLICATE_RECORD: [
    (p) => {
      if (!isLabel(p.label) || !isLabel(p.entityLabel)) return undefined;
      const owner = typeof p.ownerName === 'string' ? p.ownerName : undefined;
      const what = p.entityLabel.en.toLowerCase();
      const a = /^[aeiou]/.test(what) ? 'An' : 'A';
      return owner === undefined
        ? {
            en: `${a} ${what} with no owner has the same ${p.label.en.toLowerCase()}`,
            'zh-CN': `与无负责人的${p.entityLabel['zh-CN']}${p.label['zh-CN']}重复`,
          }
        : {
            en: `${a} ${what} owned by ${owner} has the same ${p.label.en.toLowerCase()}`,
            'zh-CN': `与${owner}负责的${p.entityLabel['zh-CN']}${p.label['zh-CN']}重复`,
          };
    },
  ],
  NOT_UNIQUE: [
    (p) =>
      isLabel(p.label)
        ? {
            en: `Another record already has this ${p.label.en.toLowerCase()}`,
            'zh-CN': `已有其他记录使用此${p.label['zh-CN']}`,
          }
        : undefined,
  ],
};

/** What a code says when no template fits its params: the last resort, after the problem's own English. */
const GENERIC_BY_CODE: Partial<Record<ProblemCode, Label>> = {
  UNKNOWN_PROPERTY: { en: 'is not allowed here', 'zh-CN': '此处不允许' },
  WRONG_TYPE: { en: 'has the wrong type', 'zh-CN': '类型不正确' },
  NOT_ALLOWED_VALUE: { en: 'is not an allowed value', 'zh-CN': '不是允许的值' },
  BAD_FORMAT: {
    en: 'does not have the expected format',
    'zh-CN': '格式不正确',
  },
  OUT_OF_RANGE: { en: 'is out of range', 'zh-CN': '超出允许范围' },
  UNKNOWN_VARIANT: {
    en: 'is not any of the allowed kinds',
    'zh-CN': '不是允许的类型',
  },
  INVALID: { en: 'is not valid', 'zh-CN': '无效' },
  IMMUTABLE: { en: 'cannot be changed', 'zh-CN': '不能修改' },
  NOT_UNIQUE: {
    en: 'is already used by another record',
    'zh-CN': '已被其他记录使用',
  },
  DUPLICATE_KEY: { en: 'is already used', 'zh-CN': '已被使用' },
  UNKNOWN_FIELD: { en: 'names no field', 'zh-CN': '没有这个字段' },
  UNKNOWN_ENTITY: {
    en: 'names nothing that exists',
    'zh-CN': '引用的对象不存在',
  },
  OPERATOR_NOT_ALLOWED: {
    en: 'uses an operator this field does not allow',
    'zh-CN': '该字段不支持此运算符',
  },
};

/** The words of a code the catalogue does not know. */
const GENERIC: Label = { en: 'is not valid', 'zh-CN': '无效' };

/**
 * The message of a problem in `lang`, from its code and params: the same problem reads
 * the same on every path (API, import, workflow logs, the browser). A problem whose
 * params fit no template keeps its own English text, and reads as its code's generic
 * message in Chinese.
 */
export function problemMessage(problem: Pick<Problem, 'code' | 'params'> & { message?: string }, lang: Language): string {
  const params = problem.params ?? {};
  for (const template of TEMPLATES[problem.code] ?? []) {
    const label = template(params);
    if (label) return label[lang];
  }
  if (lang === 'en' && problem.message) return problem.message;
  return (GENERIC_BY_CODE[problem.code] ?? GENERIC)[lang];
}

/** Builds a problem whose message comes from the catalogue (English; localize at the answer). */
export function makeProblem(pointer: string, code: ProblemCode, params?: Record<string, unknown>): Problem {
  const problem: Problem = { pointer, code, message: '' };
  if (params !== undefined) problem.params = params;
  problem.message = problemMessage(problem, 'en');
  return problem;
}

/** The problems with their messages in `lang`; nothing else changes. */
export function localizeProblems<P extends Pick<Problem, 'code' | 'params' | 'message'>>(problems: readonly P[], lang: Language): P[] {
  return problems.map((p) => ({ ...p, message: problemMessage(p, lang) }));
}

/**
 * The language of an answer from an Accept-Language header: the first of our
 * languages it names (by q-value order), `fallback` when none.
 */
export function pickLanguage(acceptLanguage: string | undefined, fallback: Language = 'en'): Language {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^\s*q=([0-9.]+)\s*$/.exec(r)?.[1]).find((v) => v !== undefined);
      return {
        tag: tag.trim().toLowerCase(),
        q: q === undefined ? 1 : Number(q),
        i,
      };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
