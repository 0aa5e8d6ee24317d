/** The class of a status tag (a run's, a step's, a dry run's): colours of our own, as antd's preset tags are below 4.5:1. */
export const statusClass = (status: string) => `dz-status dz-status--${status}`;
