/** The metacrm mark: a rounded tile with an "m". The same drawing is each app's favicon. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="mc-logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path
        d="M9 22v-8m0 2.5a3.5 3.5 0 0 1 7 0V22m0-5.5a3.5 3.5 0 0 1 7 0V22"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
