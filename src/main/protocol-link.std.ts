// Where an ocmap:// link arrives on Windows and Linux: the command line of the (second) instance
// the OS starts for it. macOS delivers it with the `open-url` event instead.
export const PROTOCOL_SCHEME = "ocmap";

/** The last argument that looks like an ocmap: link; the parser decides whether it is valid. */
export function linkFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i]!;
    if (/^ocmap:/iu.test(arg)) return arg;
  }
  return null;
}
