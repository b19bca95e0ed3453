import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "@/app";
import { applyTheme, readStoredTheme } from "@/lib/theme";
import "@fontsource-variable/inter/wght.css";
import "@/index.css";

// Applied before the first render (no inline script is allowed by the CSP) to avoid a flash of the wrong theme.
applyTheme(readStoredTheme());

const root = document.getElementById("root");
if (!root) throw new Error("Missing #root element");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
