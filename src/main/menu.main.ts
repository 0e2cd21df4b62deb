// The application menu: Settings, Forget this device… (the caller asks for confirmation), docs.
import { Menu, type MenuItemConstructorOptions } from "electron";

export interface MenuActions {
  showSettings(): void;
  forgetDevice(): void;
  openDocs(): void;
}

export function appMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
  withDevTools: boolean,
): MenuItemConstructorOptions[] {
  const mac = platform === "darwin";
  const settings: MenuItemConstructorOptions = {
    label: "Settings…",
    accelerator: "CmdOrCtrl+,",
    click: () => actions.showSettings(),
  };
  const forget: MenuItemConstructorOptions = {
    id: "forget-device",
    label: "Forget this device…",
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

export function buildAppMenu(actions: MenuActions, platform: NodeJS.Platform, withDevTools: boolean): Menu {
  return Menu.buildFromTemplate(appMenuTemplate(actions, platform, withDevTools));
}
