// The application menu: Settings, Forget this device… (the caller asks for confirmation), docs.
import { Menu, type MenuItemConstructorOptions } from "electron";
import type { AppView } from "../ipc/ipc-contract.std.ts";

export const FORGET_ITEM_ID = "forget-device";

/** Forget acts on the gateway shown: offered only while it is paired (never when no gateway is). */
export function canForgetFromMenu(view: AppView): boolean {
  const { state, activity } = view.core;
  return (state === "PAIRED_CONNECTED" || state === "PAIRED_DISCONNECTED") && activity !== "forgetting";
}

export interface MenuActions {
  showSettings(): void;
  forgetDevice(): void;
  openDocs(): void;
}

export function appMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
  withDevTools: boolean,
  canForget = false,
): MenuItemConstructorOptions[] {
  const mac = platform === "darwin";
  const settings: MenuItemConstructorOptions = {
    label: "Settings…",
    accelerator: "CmdOrCtrl+,",
    click: () => actions.showSettings(),
  };
  const forget: MenuItemConstructorOptions = {
    id: FORGET_ITEM_ID,
    label: "Forget this device…",
    enabled: canForget,
    click: () => actions.forgetDevice(),
  };
  return [
    ...(mac
      ? [
          {
            label: "OCMAP",
            submenu: [
              { role: "about" },
              { type: "separator" },
              settings,
              { type: "separator" },
              { role: "services" },
              { type: "separator" },
              { role: "hide" },
              { role: "hideOthers" },
              { role: "unhide" },
              { type: "separator" },
              { role: "quit" },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: "&File",
      submenu: mac
        ? [forget, { type: "separator" }, { role: "close" }]
        : [settings, forget, { type: "separator" }, { role: "quit" }],
    },
    { role: "editMenu" },
    {
      label: "&View",
      submenu: [
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { type: "separator" },
        { role: "togglefullscreen" },
        ...(withDevTools ? [{ role: "toggleDevTools" } as const] : []),
      ],
    },
    { role: "windowMenu" },
    { role: "help", submenu: [{ label: "OCMAP documentation", click: () => actions.openDocs() }] },
  ];
}

export function buildAppMenu(
  actions: MenuActions,
  platform: NodeJS.Platform,
  withDevTools: boolean,
  canForget: boolean,
): Menu {
  return Menu.buildFromTemplate(appMenuTemplate(actions, platform, withDevTools, canForget));
}
