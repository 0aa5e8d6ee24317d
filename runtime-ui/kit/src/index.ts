/**
 * The UI kit both apps are built from: i18n, the API client, the shell layout, the
 * loading / empty / error states, the platform status widgets, and the record UI
 * (metadata, field widgets, generated forms, filter builder). Imported as
 * `@metacrm/ui-kit`; the theme CSS comes with the Shell.
 */
export { I18nProvider, defineMessages, useLocale, useT } from './i18n/i18n';
export type { MessageSet, MessageVars, Translate } from './i18n/i18n';
export { LOCALES, LOCALE_LABELS, LOCALE_STORAGE_KEY, detectLocale, isLocale } from './i18n/locale';
export type { Locale } from './i18n/locale';
export { formatCount, formatDateTime, formatDuration, formatLatency, formatTime } from './i18n/format';
export { LanguageSwitcher } from './i18n/language-switcher';
export { kitMessages } from './kit.messages';
export type { KitMessageKey } from './kit.messages';

export { ApiClient, api } from './api/api-client';
export type { ApiClientOptions, HttpMethod, RequestOptions } from './api/api-client';
export { ApiError, CLIENT_ERROR_CODES, isClientErrorCode, parseErrorBody, toApiError } from './api/api-error';
export type { ApiErrorCode, ClientErrorCode } from './api/api-error';
export { PREVIEW_ROLE_HEADER, PREVIEW_ROLE_PARAM, clearPreviewRole, readPreviewRole } from './api/preview-role';
export { localizedProblems, problemText, problemsOf } from './api/problem-text';
export { usePolling } from './api/polling';
export type { PollState } from './api/polling';
export { STATUS_REFRESH_MS, fetchSystemStatus, queueDepth, useSystemStatus } from './api/system-status';
export type { DependencyHealth, QueueCounts, SystemStatus } from './api/system-status';

export { SessionProvider, useSession } from './auth/session';
export type { Me, SessionUser } from './auth/session';
export { SignedIn } from './auth/signed-in';
export { SignInPage } from './auth/sign-in-page';
export { AccountMenu } from './auth/account-menu';
export { authMessages } from './auth/auth.messages';
export { SIGNED_OUT_EVENT } from './api/api-client';

export { Link, navigate, toAppPath, useLocationPath } from './router/router';
export { APP_HOME, Shell, useDocumentTitle } from './shell/shell';
export type { AppId, ShellProps } from './shell/shell';
export { Logo } from './shell/logo';

export { EmptyState } from './states/empty-state';
export type { EmptyStateProps } from './states/empty-state';
export { ErrorState } from './states/error-state';
export type { ErrorStateProps } from './states/error-state';
export { NotFound } from './states/not-found';
export { LoadingRegion, Skeleton, SkeletonCard } from './states/skeleton';

export { HealthBadge } from './status/health-badge';
export { QueueBars, niceCeiling } from './status/queue-bars';
export { StatusSummary } from './status/status-summary';
export type { StatusSummaryProps } from './status/status-summary';

export { AppProviders } from './providers/app-providers';
export { CspSafeValidator } from './forms/schema-validator';
export { formMessages } from './forms/form.messages';

// The runtime's record UI, shared so the designer's canvases draw exactly what users see:
// the signed-in user's metadata, field widgets and cells by type, the generated form and
// the filter builder.
export { META_PATH, META_QUERY_KEY, entityOf, entityTitle, fallbackForm, fieldOf, formOf, useMeta, viewsOf } from './meta/meta';
export type { RuntimeMeta } from './meta/meta';
export { label } from './meta/label';
export type { TextLocale } from './meta/label';
export { fieldTypes, logicOperations } from './meta/registries';
export { valueKindOf } from './meta/value-kind';
export { fieldUi, fieldUis, widgetField, widgetLocale } from './fields/field-ui';
export { FileLink } from './fields/types/files';
export type { StoredFile } from './fields/types/file-upload';
export type { ApiRecord, CellProps, FieldUi, FilterInputProps } from './fields/field-ui';
export { registerBuiltInFieldUis } from './fields/builtin';
export { optionsOf } from './fields/types/choice';
export { UserPicker } from './fields/user-picker';
export type { UserPickerProps } from './fields/user-picker';
export { UserName } from './fields/user-name';
export type { UserNameProps } from './fields/user-name';
export { directoryUserKey, loadDirectoryUser, useDirectorySearch, useDirectoryUser, useDirectoryUsers } from './fields/user-directory';
export type { DirectoryUser } from './fields/user-directory';
export { FormLayoutTemplate } from './forms/form-layout';
export type { LayoutContext } from './forms/form-layout';
export { fieldWidgets, formSchemas, problemsToErrorSchema } from './forms/form-schema';
export type { FormSchemas, Writable } from './forms/form-schema';
export { RecordForm } from './forms/record-form';
export type { RecordFormProps } from './forms/record-form';
export { useUnsavedGuard } from './forms/unsaved-guard';
export { FilterBuilder } from './filters/filter-builder';
export type { FilterBuilderProps } from './filters/filter-builder';
export { NO_OPERAND, countConditions, emptyGroup, fromFilter, toFilter } from './filters/filter-model';
export type { FilterGroup, FilterNode } from './filters/filter-model';
export { filterMessages } from './filters/filter.messages';

// The dashboards' charts, so the designer's dashboard preview draws what users see:
// aggregate bodies and group keys, the ECharts options, the chart (ECharts loads on first use).
export { aggregateBody, allOf, dashboardConditions, drillDownHref, groupCondition, keyText, plotted } from './charts/aggregate';
export type { AggregateAnswer, AggregateKey, DashboardFilters, MeasureValue, Widget } from './charts/aggregate';
export { chartModel } from './charts/chart-options';
export type { ChartModel, ChartTexts } from './charts/chart-options';
export { DashboardChart } from './charts/dashboard-chart';
export type { DashboardChartProps } from './charts/dashboard-chart';
