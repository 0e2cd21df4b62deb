// OCMAP keeps running when its window closes, so its gateways stay connected: where it went, said once.

/** Given to the login item: start in the tray, without a window. */
export const HIDDEN_FLAG = "--hidden";

export interface CloseHint {
  title: string;
  body: string;
}

/** Where the app is now, in the words of each OS. */
export function closeHint(platform: string): CloseHint {
  const where =
    platform === "darwin"
      ? "in the menu bar"
      : platform === "win32"
        ? "in the notification area of the taskbar (behind the ^ arrow if it is hidden)"
        : "in the system tray";
  return {
    title: "OCMAP is still running",
    body:
      `OCMAP keeps your gateways connected ${where}. Open it from there, or start OCMAP again. ` +
      "To stop it, choose Quit OCMAP in that menu.",
  };
}
