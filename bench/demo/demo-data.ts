/**
 * Deterministic, realistic CRM demo records (Chinese and English people, companies,
 * addresses and phone numbers; activities over two years), generated from a seed: the
 * same seed and anchor date give the same records. Values are in API form, ready for
 * the record engine's bulk path.
 */
import { Prng } from '../lib/prng.js';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '志强',
  '晓东',
  '海燕',
];
const FIRST = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Susan',
  'Richard',
  'Jessica',
  'Thomas',
  'Sarah',
  'Daniel',
  'Karen',
  'Emma',
  'Oliver',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Martin',
  'Lee',
  'Clark',
  'Walker',
  'Hall',
  'Young',
  'King',
];
const CN_CITIES: [city: string, region: string, districts: string[]][] = [
  ['北京', 'north', ['朝阳区', '海淀区', '东城区', '丰台区']],
  ['上海', 'east', ['浦东新区', '徐汇区', '静安区', '闵行区']],
  ['广州', 'south', ['天河区', '越秀区', '番禺区']],
  ['深圳', 'south', ['南山区', '福田区', '宝安区']],
  ['杭州', 'east', ['西湖区', '滨江区', '余杭区']],
  ['成都', 'southwest', ['武侯区', '锦江区', '高新区']],
  ['武汉', 'central', ['江汉区', '洪山区', '武昌区']],
  ['西安', 'northwest', ['雁塔区', '碑林区']],
  ['沈阳', 'northeast', ['和平区', '浑南区']],
  ['南京', 'east', ['鼓楼区', '建邺区']],
];
const ROADS = ['中山路', '人民路', '建设路', '解放路', '科技路', '长江路', '和平路', '新华路', '创业大道', '滨江大道'];
const CN_WORDS = [
  '华信',
  '远航',
  '鼎盛',
  '恒通',
  '云帆',
  '金桥',
  '瑞丰',
  '新程',
  '天宇',
  '博远',
  '中科',
  '安泰',
  '嘉禾',
  '创新',
  '联拓',
  '智达',
];
const CN_KINDS: [suffix: string, industry: string][] = [
  ['科技有限公司', 'it'],
  ['制造有限公司', 'manufacturing'],
  ['贸易有限公司', 'retail'],
  ['物流有限公司', 'logistics'],
  ['医疗器械有限公司', 'healthcare'],
  ['教育科技有限公司', 'education'],
  ['能源股份有限公司', 'energy'],
  ['置业有限公司', 'real_estate'],
  ['金融服务有限公司', 'finance'],
];
const EN_CITIES = ['Singapore', 'London', 'New York', 'Sydney', 'Toronto', 'Berlin', 'Hong Kong'];
const EN_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Cyberdyne',
  'Soylent',
  'Hooli',
  'Vandelay',
  'Aperture',
  'Tyrell',
];
const EN_KINDS: [suffix: string, industry: string][] = [
  ['Software Ltd', 'it'],
  ['Manufacturing Inc', 'manufacturing'],
  ['Retail Group', 'retail'],
  ['Logistics LLC', 'logistics'],
  ['Health Systems', 'healthcare'],
  ['Capital Partners', 'finance'],
  ['Energy Corp', 'energy'],
];
const SOURCES = ['website', 'referral', 'trade_show', 'cold_call', 'advertising', 'social', 'partner', 'campaign', 'other'];
const LEVELS = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'd'];
const ACTIVITY_TYPES = ['call', 'call', 'visit', 'email', 'note', 'meeting'];
const TOPICS = [
  ['需求沟通', 'Needs discussion'],
  ['产品演示', 'Product demo'],
  ['报价跟进', 'Quote follow-up'],
  ['合同洽谈', 'Contract talks'],
  ['售后回访', 'After-sales call'],
  ['技术交流', 'Technical exchange'],
] as const;
const DAY = 86_400_000;

export type DemoRecord = Record<string, unknown>;

/** One generated company: the customer's values and what its contacts and deals reuse. */
export interface Company {
  chinese: boolean;
  values: DemoRecord;
}

/** The generator of one demo data set. */
export class DemoData {
  private readonly rng: Prng;
  /** How often each company name was drawn: customer names are unique (the CRM's 查重 refuses a second). */
  private readonly names = new Map<string, number>();

  constructor(
    seed: number,
    private readonly anchor: Date,
  ) {
    this.rng = new Prng(seed);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.rng.int(0, list.length - 1)]!;
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  /** A day within the last `days` days before the anchor (or after it, for negative). */
  dayOffset(from: number, to: number): string {
    return new Date(this.anchor.getTime() - this.rng.int(from, to) * DAY).toISOString().slice(0, 10);
  }

  /** An instant within the last two years, in working hours (Shanghai). */
  momentInTwoYears(): string {
    const day = this.anchor.getTime() - this.rng.int(0, 730) * DAY;
    return new Date(Math.floor(day / DAY) * DAY + this.rng.int(1, 10) * 3_600_000 + this.rng.int(0, 59) * 60_000).toISOString();
  }

  person(chinese: boolean): { name: string; email: string; phone: string } {
    if (chinese) {
      const name = this.pick(SURNAMES) + this.pick(GIVEN);
      const mobile = `1${this.pick(['38', '39', '50', '58', '86', '88'])}${String(this.rng.int(0, 99_999_999)).padStart(8, '0')}`;
      return { name, email: `u${this.rng.int(10_000, 9_999_999)}@example.cn`, phone: mobile };
    }
    const first = this.pick(FIRST);
    const last = this.pick(LAST);
    return {
      name: `${first} ${last}`,
      email: `${first}.${last}${this.rng.int(1, 999)}@example.com`.toLowerCase(),
      phone: `+1 (${this.rng.int(201, 989)}) ${this.rng.int(200, 999)}-${String(this.rng.int(0, 9999)).padStart(4, '0')}`,
    };
  }

  company(): Company {
    const chinese = this.chance(0.8);
    if (chinese) {
      const [city, region, districts] = this.pick(CN_CITIES);
      const [suffix, industry] = this.pick(CN_KINDS);
      const name = this.unique(`${city}${this.pick(CN_WORDS)}${this.pick(CN_WORDS)}${suffix}`, (n) => `第${n}分公司`);
      const address = `${city}市${this.pick(districts)}${this.pick(ROADS)}${this.rng.int(1, 999)}号`;
      return {
        chinese,
        values: {
          name,
          industry,
          region,
          address,
          phone: `0${this.rng.int(10, 99)}-${this.rng.int(10_000_000, 89_999_999)}`,
          email: `info${this.rng.int(1, 99_999)}@example.cn`,
        },
      };
    }
    const [suffix, industry] = this.pick(EN_KINDS);
    const city = this.pick(EN_CITIES);
    return {
      chinese,
      values: {
        name: this.unique(`${this.pick(EN_WORDS)} ${suffix}`, (n) => ` ${n}`),
        industry,
        region: 'overseas',
        address: `${this.rng.int(1, 999)} ${this.pick(LAST)} Street, ${city}`,
        phone: `+1 (${this.rng.int(201, 989)}) ${this.rng.int(200, 999)}-${String(this.rng.int(0, 9999)).padStart(4, '0')}`,
        email: `sales${this.rng.int(1, 99_999)}@example.com`,
      },
    };
  }

  /** The name, or for its n-th draw the name with a branch's suffix (杭州云帆科技有限公司第2分公司, Apex Logistics 2). */
  private unique(name: string, suffix: (n: number) => string): string {
    const n = (this.names.get(name) ?? 0) + 1;
    this.names.set(name, n);
    return n === 1 ? name : `${name}${suffix(n)}`;
  }

  customer(company: Company): DemoRecord {
    return {
      ...company.values,
      level: this.pick(LEVELS),
      source: this.pick(SOURCES),
      deal_status: this.chance(0.3) ? 'closed' : 'not_closed',
      employees: this.rng.int(5, 20_000),
      next_contact_date: this.chance(0.2) ? this.dayOffset(-14, 3) : null,
      last_follow_up_at: this.momentInTwoYears(),
    };
  }

  contact(company: Company, customer: string): DemoRecord {
    const p = this.person(company.chinese);
    return {
      name: p.name,
      customer,
      mobile: p.phone,
      email: p.email,
      title: this.pick(['总经理', '采购经理', 'IT 总监', '财务经理', 'CTO', 'Purchasing Manager', 'Operations Director']),
      primary: this.chance(0.3),
      decision_role: this.pick(['decision_maker', 'influencer', 'user', 'gatekeeper']),
    };
  }

  activity(customer: string, contact: string | undefined, chinese: boolean): DemoRecord {
    const [zh, en] = this.pick(TOPICS);
    return {
      subject: chinese ? zh : en,
      type: this.pick(ACTIVITY_TYPES),
      occurred_at: this.momentInTwoYears(),
      customer,
      ...(contact ? { contact } : {}),
      duration_minutes: this.rng.int(5, 120),
      content: chinese ? `与客户就${zh}进行了沟通。` : `Talked with the customer: ${en.toLowerCase()}.`,
      ...(this.chance(0.15) ? { next_contact_date: this.dayOffset(-7, 14) } : {}),
    };
  }

  lead(): DemoRecord {
    const company = this.company();
    const p = this.person(company.chinese);
    return {
      name: p.name,
      company: String(company.values.name),
      phone: p.phone,
      email: p.email,
      source: this.pick(SOURCES),
      industry: company.values.industry,
      region: company.values.region,
      status: this.pick(['new', 'new', 'contacted', 'qualified', 'unqualified']),
      rating: this.pick(['hot', 'warm', 'cold']),
    };
  }

  /** An opportunity at a stage, with the fields its guided stage asks for. */
  opportunity(customer: string, contact: string | undefined, name: string): DemoRecord {
    const stage = this.pick(['qualification', 'needs_analysis', 'proposal', 'negotiation', 'won', 'won', 'lost']);
    const amount = `${this.rng.int(2, 500) * 1000}.00`;
    const close = this.dayOffset(-120, 600);
    const base: DemoRecord = { name, customer, stage, amount, source: this.pick(SOURCES) };
    if (stage !== 'qualification' && contact) base.contact = contact;
    if (stage === 'needs_analysis' && !contact) base.stage = 'qualification';
    if (['proposal', 'negotiation'].includes(stage)) base.expected_close_date = close;
    if (stage === 'won')
      Object.assign(base, { won_reason: this.pick(['price', 'product', 'relationship', 'service']), closed_on: this.dayOffset(0, 700) });
    if (stage === 'lost')
      Object.assign(base, {
        lost_reason: this.pick(['price', 'competitor', 'no_budget', 'no_decision']),
        closed_on: this.dayOffset(0, 700),
      });
    return base;
  }

  ticket(customer: string, chinese: boolean): DemoRecord {
    const status = this.pick(['new', 'in_progress', 'waiting', 'resolved', 'closed']);
    return {
      subject: chinese
        ? this.pick(['无法登录', '数据导入失败', '报表显示异常', '申请新功能', '发票信息更正'])
        : this.pick(['Cannot sign in', 'Import failed', 'Report looks wrong', 'Feature request', 'Invoice correction']),
      customer,
      priority: this.pick(['urgent', 'high', 'normal', 'normal', 'low']),
      channel: this.pick(['phone', 'email', 'web', 'wechat']),
      status,
      category: this.pick(['question', 'incident', 'request', 'complaint']),
      ...(['resolved', 'closed'].includes(status) ? { resolution: chinese ? '已远程协助解决' : 'Solved remotely' } : {}),
    };
  }
}
