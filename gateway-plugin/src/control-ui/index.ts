// Clawpodz: the operator's pairing page, a native Control UI plugin page of `ocmap-pairing`.
//
// It runs inside the gateway's own Control UI and calls the plugin's WS methods on the Control UI's
// own authenticated connection (`context.host.request`), so it acts with the signed-in operator's
// scopes and never sees the gateway token. The controller (controller.ts) fetches and acts; one file
// per section renders (view-*.ts).
import type { ControlUiPlugin } from "openclaw/plugin-sdk/control-ui";
import { mountClawpodz } from "./controller.ts";
import type { Shared } from "./model.ts";

const PLUGIN_ID = "ocmap-pairing";
const PAGE_ID = "clawpodz";

const plugin: ControlUiPlugin = {
  id: PLUGIN_ID,
  activate(host) {
    const shared: Shared = { access: "standard", ttlSeconds: 300 };
    return host.ui.registerPage({
      id: PAGE_ID,
      label: "Clawpodz",
      mount: (container, context) => mountClawpodz(container, context, shared),
    });
  },
};

export default plugin;
