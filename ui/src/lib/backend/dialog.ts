// The native folder chooser (tauri-plugin-dialog). Returns the chosen folder, or null when the
// user cancels.
import { open } from "@tauri-apps/plugin-dialog";

export async function chooseFolder(title: string, defaultPath?: string): Promise<string | null> {
  const picked = await open({ directory: true, multiple: false, title, ...(defaultPath ? { defaultPath } : {}) });
  return typeof picked === "string" ? picked : null;
}
