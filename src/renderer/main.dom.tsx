import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.dom.tsx";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App api={window.ocmap} />
  </StrictMode>,
);
