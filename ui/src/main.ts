// Starts the window: loads the local preferences (language, text size) before the first paint so
// the first screen is already in the right language and size.
import { mount } from "svelte";

import App from "./App.svelte";
import "./app.css";
import { loadPreferences } from "./lib/stores/preferences.svelte";

loadPreferences(window.localStorage);

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
mount(App, { target });
