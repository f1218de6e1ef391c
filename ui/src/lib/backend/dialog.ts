// The native folder and file choosers (tauri-plugin-dialog). Each returns the chosen path, or
// null when the user cancels.
import { open } from "@tauri-apps/plugin-dialog";

export async function chooseFolder(title: string, defaultPath?: string): Promise<string | null> {
  const picked = await open({ directory: true, multiple: false, title, ...(defaultPath ? { defaultPath } : {}) });
  return typeof picked === "string" ? picked : null;
}

/** One file, optionally limited to some extensions (without the dot), e.g. ["kasane"]. */
export async function chooseFile(title: string, extensions?: string[], filterName?: string): Promise<string | null> {
  const filters = extensions && extensions.length > 0 ? [{ name: filterName ?? extensions.join(", "), extensions }] : [];
  const picked = await open({ directory: false, multiple: false, title, filters });
  return typeof picked === "string" ? picked : null;
}
