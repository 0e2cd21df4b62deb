// The renderer's only door to the main process: one frozen object of named functions on
// window.ocmap. No Electron object (ipcRenderer, events) is ever handed to the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import { createOcmapApi, STATE_EVENT, type AppView } from "../ipc/ipc-contract.std.ts";

const api = createOcmapApi({
  invoke: (channel, args) => ipcRenderer.invoke(channel, ...args),
  listen(listener) {
    const onState = (_event: IpcRendererEvent, view: AppView) => listener(view);
    ipcRenderer.on(STATE_EVENT, onState);
    return () => void ipcRenderer.removeListener(STATE_EVENT, onState);
  },
});

contextBridge.exposeInMainWorld("ocmap", api);
