// What keeps OCMAP present with its window closed: the tray icon and menu, the OS notifications, and
// the one-time hint, when the window first closes, that the app (and its connections) kept running.
import { app, dialog } from "electron";
import type { AppController } from "./app-controller.node.ts";
import { closeHint } from "./background.std.ts";
import { settingsView, type SettingsStore } from "./desktop-settings.std.ts";
import { canNotify, showNotification } from "./notifications.main.ts";
import { startNotifier } from "./notifier.std.ts";
import type { TrayAction } from "./tray-status.std.ts";
import { startTray } from "./tray.main.ts";

export interface BackgroundOptions {
  controller: AppController;
  settings: SettingsStore;
  /** The folder of the tray icons (dist/main/tray). */
  iconDir: string;
  showWindow(): void;
  /** Asks before forgetting; resolves true to go ahead. */
  confirmForget(gatewayName: string): Promise<boolean>;
}

export interface Background {
  /** The window was closed (not by quitting): say once where the app went. */
  windowClosed(): void;
  stop(): void;
}

export function startBackground(options: BackgroundOptions): Background {
  const { controller, settings, showWindow } = options;
  const showGateway = (id: string) => {
    void controller.handlers["ocmap:select-gateway"]({ id });
    showWindow();
  };
  const run = (action: TrayAction) => {
    switch (action.kind) {
      case "open":
        return showWindow();
      case "show-gateway":
        return showGateway(action.id);
      case "pair":
        if (controller.gateways.statuses().length > 0) void controller.handlers["ocmap:add-gateway"]({ open: true });
        return showWindow();
      case "forget":
        return void options.confirmForget(action.name).then((yes) => {
          if (yes) void controller.handlers["ocmap:forget-gateway"]({ id: action.id });
        });
      case "quit":
        return app.quit();
    }
  };
  const tray = startTray(controller.gateways, options.iconDir, run);
  const stopNotifier = startNotifier({
    source: controller.gateways,
    settings: () => settingsView(settings.get()),
    show: (notice) => showNotification(notice, () => showGateway(notice.gatewayId)),
  });

  return {
    windowClosed() {
      if (settings.get().closeHintShown) return;
      const hint = closeHint(process.platform);
      if (canNotify()) showNotification(hint, showWindow);
      else void dialog.showMessageBox({ type: "info", message: hint.title, detail: hint.body, buttons: ["OK"] });
      settings.update({ closeHintShown: true }).catch((err: unknown) => {
        console.warn(`OCMAP: cannot remember that the tray hint was shown (${(err as Error).message}).`);
      });
    },
    stop() {
      stopNotifier();
      tray.destroy();
    },
  };
}
