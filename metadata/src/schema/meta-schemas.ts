import appPackage from '../../schemas/app-package.schema.json' with { type: 'json' };
import bundle from '../../schemas/bundle.schema.json' with { type: 'json' };
import common from '../../schemas/common.schema.json' with { type: 'json' };
import dashboard from '../../schemas/dashboard.schema.json' with { type: 'json' };
import entity from '../../schemas/entity.schema.json' with { type: 'json' };
import field from '../../schemas/field.schema.json' with { type: 'json' };
import form from '../../schemas/form.schema.json' with { type: 'json' };
import navigation from '../../schemas/navigation.schema.json' with { type: 'json' };
import role from '../../schemas/role.schema.json' with { type: 'json' };
import rule from '../../schemas/rule.schema.json' with { type: 'json' };
import view from '../../schemas/view.schema.json' with { type: 'json' };
import workflow from '../../schemas/workflow.schema.json' with { type: 'json' };

/** The JSON Schemas of every metadata kind, as loaded from metadata/schemas. */
export const META_SCHEMAS = { common, field, entity, form, view, rule, workflow, role, navigation, dashboard, bundle, appPackage } as const;

/**
 * The metadata kinds an admin edits one item at a time, with their URL names.
 * `navigation` and `dashboards` came later: a bundle may lack them (bundleItems).
 */
export const ITEM_KINDS = ['entities', 'forms', 'views', 'rules', 'workflows', 'roles', 'navigation', 'dashboards'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The schema `$id` that validates one item of a kind. */
export const ITEM_SCHEMA_IDS: Record<ItemKind, string> = {
  entities: entity.$id,
  forms: form.$id,
  views: view.$id,
  rules: rule.$id,
  workflows: workflow.$id,
  roles: role.$id,
  navigation: navigation.$id,
  dashboards: dashboard.$id,
};

export type JsonSchema = Record<string, unknown>;
