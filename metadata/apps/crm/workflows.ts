export const crmWorkflows = [];
