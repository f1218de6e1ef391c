// Disclosure requests: every record about one member, judgement and third parties' information
// marked for the reviewer, printed or saved to a file.
import type { request as ja } from "../ja/request";
import type { Texts } from "./index";

export const request: Texts<typeof ja> = {
  "request.open": "Records for a disclosure request",
  "request.title": "Records for a disclosure request: {name}",
  "request.help":
    "Every record these case records hold about {name}. Judgement by workers or meetings and third parties' information are marked; whether to disclose them is for the review to decide.",
  "request.fileTitle": "Save a file for the review (JSON)",
  "request.fileHelp": "Writes a file the reviewer's tools can read (JSON) to the folder you choose. A file of the same name is never replaced.",
  "request.folder": "Folder to save it in",
  "request.placeholder": "Use “Choose…” to pick the folder",
  "request.choose": "Choose…",
  "request.chooseTitle": "Choose a folder for the records",
  "request.export": "Save the file",
  "request.written": "Saved as {path}. This file is not encrypted; delete it once the review is done.",
};
