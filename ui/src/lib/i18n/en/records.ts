// English texts of the records part of the settings: the open archive (全記録の出力).
import type { records as ja } from "../ja/records";
import type { Texts } from "./index";

export const records: Texts<typeof ja> = {
  "archive.title": "Every record, readable without Kasane",
  "archive.lead":
    "Writes every record in these case records (those partner agencies shared included), the activity record and the printed forms (intake forms, support plans, closing sheets, consent forms …) into one file protected by its own password. If Kasane can no longer be used, IT staff can open and read it with standard tools.",
  "archive.passphrase": "Password for the file (a long sentence)",
  "archive.passphraseHelp":
    "Use a different password from the case records'. Without it nobody can open the file, Kasane included: write it down and keep it apart from the file. At least {min} characters.",
  "archive.passphraseAgain": "Password for the file (again)",
  "archive.mismatch": "The two passwords differ.",
  "archive.folder": "Folder to save it in",
  "archive.folderHelp": "A USB stick or a file server, not the case records folder. A file of the same name is never overwritten.",
  "archive.chooseFolderTitle": "Choose the folder for the file",
  "archive.write": "Write every record",
  "archive.done": "Written: {path}",
  "archive.doneCounts": "{records} records, {audit} activity entries, {forms} printed forms ({size}, {seconds} s)",
  "archive.doneNotice": "This file holds all of the agency's personal information. Keep it locked away, and keep the password apart from it.",
  "archive.skipped": "{n} printed forms could not be made (the records themselves are in the file; the reasons are in its list of contents, manifest.json).",
  "archive.auditNotVerified": "The activity record shows signs of having been altered. It was written into the file as it is; tell your IT staff.",
  "bundle.phase.records": "Collecting the records",
  "bundle.phase.audit": "Collecting the activity record",
  "bundle.phase.forms": "Making the printed forms",
  "backup.title": "Backup of the case records",
  "backup.lead": "Write a copy of this agency's case records to a folder on a USB stick or a file server. The copy stays encrypted and opens with the same passwords. If this PC breaks, start Kasane on a new PC and choose “Restore case records from a backup”.",
  "backup.never": "No backup yet.",
  "backup.last": "Last backup: {when}",
  "backup.due": "No backup for {days} days or more.",
  "backup.folder": "Folder for the backup",
  "backup.chooseFolderTitle": "Choose the folder for the backup",
  "backup.folderHelp": "Outside the case records folder (a USB stick, a file server).",
  "backup.write": "Write a backup",
  "backup.writing": "Writing the backup…",
  "backup.done": "Backup written: {path}",
  "backup.restoreHint": "Restored on a new PC, that PC becomes a new site and this one is retired; partners compare its new check number.",
  "backup.reminder": "Backup reminder (days)",
  "backup.reminderHelp": "Home reminds you when the last backup is older than this (1–365 days).",
  "backup.homeDue": "No backup of the case records for {days} days or more. Write one from the settings.",
  "backup.homeNever": "No backup of the case records has been written yet. Write one from the settings.",
  "backup.homeOpen": "Write a backup",
};
