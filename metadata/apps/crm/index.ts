/**
 * The standard CRM as an app package (metacrm.app/v1): customers, sales, marketing,
 * service and finance, with roles and workflows. Plain metadata, loaded through the
 * same package import as any admin's package (`POST /api/meta/import?apply=true`), and
 * changed afterwards in the designer like anything else.
 */
import type { Bundle } from '@metacrm/metadata';
import { customerEntities, customerForms, customerViews } from './customers.js';
import { l } from './dsl.js';
import { financeEntities, financeForms, financeViews } from './finance.js';
import { marketingServiceEntities, marketingServiceForms, marketingServiceViews } from './marketing-service.js';
import { crmRoles } from './roles.js';
import { crmRules } from './rules.js';
import { salesEntities, salesForms, salesViews } from './sales.js';
import { poolWorkflows } from './pool.js';
import { crmSeed } from './seed.js';
import { crmDashboards, crmNavigation } from './ui.js';
import { crmWorkflows } from './workflows.js';

/** The package's name: its seed records are remembered under it (seed_records). */
export const CRM_PACKAGE_NAME = 'crm';
export const CRM_PACKAGE_VERSION = '1.0.0';

/** The metadata bundle of the standard CRM. */
export function crmBundle(): Bundle {
  const byKey = <T extends { key: string }>(items: T[]): T[] => [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    entities: byKey([...customerEntities, ...salesEntities, ...financeEntities, ...marketingServiceEntities]),
    forms: byKey([...customerForms, ...salesForms, ...financeForms, ...marketingServiceForms]),
    views: byKey([...customerViews, ...salesViews, ...financeViews, ...marketingServiceViews]),
    rules: byKey(crmRules),
    workflows: byKey([...crmWorkflows, ...poolWorkflows]),
    roles: byKey(crmRoles),
    navigation: byKey(crmNavigation),
    dashboards: byKey(crmDashboards),
  };
}

/** The standard CRM package: metadata and the records every installation starts with. */
export function crmPackage(seed: Record<string, Record<string, unknown>[]> = crmSeed()) {
  return {
    format: 'metacrm.app/v1' as const,
    name: CRM_PACKAGE_NAME,
    label: l('标准 CRM', 'Standard CRM'),
    description: l(
      '客户、销售、市场、服务与财务：以元数据交付，可在设计器中修改',
      'Customers, sales, marketing, service and finance, shipped as metadata and changeable in the designer',
    ),
    version: CRM_PACKAGE_VERSION,
    metadata: crmBundle(),
    seed,
  };
}
