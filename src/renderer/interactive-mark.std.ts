/** performance.mark name, and #root gets data-interactive, once React has hydrated or rendered the page. */
export const INTERACTIVE_MARK = "ocmap:interactive";
