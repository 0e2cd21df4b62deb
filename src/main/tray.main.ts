// The tray (menu-bar) icon and its menu, following every gateway's state (tray-status.std.ts decides
// what they show). The icons are the PNGs of assets/tray, copied beside main.cjs at build; on macOS the
// black-and-alpha "Template" ones, which the menu bar tints for light and dark.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from "electron";
import { join } from "node:path";
import type { GatewaySource } from "./notifier.std.ts";
import {
  trayIcon,
  trayMenu,
  trayTooltip,
  type TrayAction,
  type TrayIconName,
  type TrayMenuEntry,
} from "./tray-status.std.ts";

export function trayIconPath(iconDir: string, icon: TrayIconName, platform: NodeJS.Platform): string {
  return join(iconDir, `${icon}${platform === "darwin" ? "Template" : ""}.png`);
}

function template(entries: TrayMenuEntry[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return entries.map((entry): MenuItemConstructorOptions => {
    if (entry.kind === "separator") return { type: "separator" };
    if (entry.kind === "submenu") return { label: entry.label, submenu: template(entry.entries, run) };
    return { label: entry.label, click: () => run(entry.action) };
  });
}

export interface AppTray {
  /** Follows the gateways' state (called on every change; cheap when nothing the tray shows changed). */
  update(): void;
  destroy(): void;
}

export function startTray(
  source: GatewaySource,
  iconDir: string,
  run: (action: TrayAction) => void,
  platform: NodeJS.Platform = process.platform,
): AppTray {
  const image = (icon: TrayIconName) => nativeImage.createFromPath(trayIconPath(iconDir, icon, platform));
  let shown = { icon: trayIcon(source.statuses()), tooltip: "", menu: "" };
  const tray = new Tray(image(shown.icon));
  // Windows opens the app on a left click (the menu is on the right button); elsewhere a click opens the menu.
  if (platform === "win32") tray.on("click", () => run({ kind: "open" }));

  const update = () => {
    if (tray.isDestroyed()) return;
    const statuses = source.statuses();
    const icon = trayIcon(statuses);
    const tooltip = trayTooltip(statuses);
    const entries = trayMenu(statuses);
    const menu = JSON.stringify(entries);
    if (icon !== shown.icon) tray.setImage(image(icon));
    if (tooltip !== shown.tooltip) tray.setToolTip(tooltip);
    if (menu !== shown.menu) tray.setContextMenu(Menu.buildFromTemplate(template(entries, run)));
    shown = { icon, tooltip, menu };
  };
  update();
  const off = source.subscribe(update);
  return {
    update,
    destroy() {
      off();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
