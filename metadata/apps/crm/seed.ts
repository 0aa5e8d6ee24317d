/**
 * The records every installation of the standard CRM starts with: a product catalogue,
 * a standard price book, a first campaign and knowledge articles. Ids are the package's
 * own (lookups name records by them); the seed load maps them to record ids once.
 */
type Rec = Record<string, unknown>;

const PRODUCTS: [id: string, code: string, name: string, category: string, unit: string, price: string][] = [
  ['p_crm_std', 'CRM-STD', 'CRM 标准版 / CRM Standard', 'subscription', 'license', '1200.00'],
  ['p_crm_pro', 'CRM-PRO', 'CRM 专业版 / CRM Professional', 'subscription', 'license', '2400.00'],
  ['p_crm_ent', 'CRM-ENT', 'CRM 企业版 / CRM Enterprise', 'subscription', 'license', '4800.00'],
  ['p_impl', 'SVC-IMPL', '实施服务 / Implementation', 'service', 'day', '3000.00'],
  ['p_training', 'SVC-TRN', '培训 / Training', 'training', 'day', '2500.00'],
  ['p_support', 'SVC-SUP', '年度支持 / Annual support', 'service', 'year', '20000.00'],
  ['p_server', 'HW-SRV', '服务器一体机 / Server appliance', 'hardware', 'set', '68000.00'],
  ['p_integration', 'SVC-INT', '系统集成 / Integration', 'service', 'day', '3500.00'],
];

const ARTICLES: [id: string, title: string, category: string, body: string][] = [
  [
    'kb_reset',
    '如何重置密码 / How to reset a password',
    'how_to',
    '<p>在登录页点击“忘记密码”，或请管理员重置。</p><p>Click "Forgot password" on the sign-in page, or ask an administrator to reset it.</p>',
  ],
  [
    'kb_import',
    '如何导入客户 / How to import customers',
    'how_to',
    '<p>在客户列表中选择“导入”，上传 CSV 或 Excel 文件并对应字段。</p><p>Choose Import on the customer list, upload a CSV or Excel file and map its columns.</p>',
  ],
  [
    'kb_invoice',
    '发票信息填写说明 / Filling in invoice details',
    'policy',
    '<p>专用发票需填写纳税人识别号、开户银行与账号。</p><p>A VAT special invoice needs the tax number, the bank and the account.</p>',
  ],
  [
    'kb_sla',
    '服务级别说明 / Service levels',
    'faq',
    '<p>紧急工单 1 天，高优先级 2 天，普通 3 天，低优先级 5 天内解决。</p><p>Urgent tickets are resolved within 1 day, high within 2, normal within 3 and low within 5.</p>',
  ],
];

/** The seed records of the standard CRM, per entity. */
export function crmSeed(): Record<string, Rec[]> {
  return {
    product: PRODUCTS.map(([id, code, name, category, unit, price]) => ({
      id,
      code,
      name,
      category,
      unit,
      list_price: price,
      active: true,
    })),
    price_book: [{ id: 'pb_standard', name: '标准价格表 / Standard price book', active: true }],
    price_book_entry: PRODUCTS.map(([id, , name, , , price]) => ({
      id: `pbe_${id}`,
      name,
      price_book: 'pb_standard',
      product: id,
      unit_price: price,
      min_quantity: 1,
    })),
    knowledge_article: ARTICLES.map(([id, title, category, body]) => ({
      id,
      title,
      category,
      body,
      status: 'published',
      language: 'zh_cn',
    })),
    campaign: [{ id: 'cmp_launch', name: '新品发布会 / Product launch', channel: 'event', status: 'planned', budget: '50000.00' }],
  };
}
