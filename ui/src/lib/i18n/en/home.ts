// The home screen.
// Every key of ../ja/home.ts, and no other (the type checks).
import type { home as ja } from "../ja/home";
import type { Texts } from "./index";

export const home: Texts<typeof ja> = {
  "home.title": "Home",
  "home.greeting": "Hello, {worker}",
  "home.today": "Today is {date}",
  "home.reviews": "Reviews due",
  "home.reviewsHelp": "Open cases led by {agency}",
  "home.overdue": "Overdue",
  "home.soon": "Within two weeks",
  "home.later": "Later",
  "home.unscheduled": "No review date",
  "home.emptyCases": "{agency} does not lead any open case yet.",
  "home.goHouseholds": "Go to households",
  "home.count": "{n}",
  "home.inConflict": "Differing entries",

  "due.overdue": "{n} days overdue",
  "due.today": "Due today",
  "due.soon": "In {n} days",
  "due.later": "In {n} days",
  "home.actions": "This agency's actions (overdue or due within two weeks)",
  "home.actionsEmpty": "No actions due soon",
  "home.actionOverdue": "Overdue",
  "home.actionDue": "Due {date}",
  "home.meetings": "Upcoming meetings",
  "home.meetingsEmpty": "No meetings scheduled",
  "home.inbox": "Inbox",
  "home.inboxWaiting": "{n} exchange files waiting to be imported",
  "home.inboxEmpty": "No exchange files waiting",
  "home.openExchange": "Open Exchange",
  "home.conflicts": "Differing entries and quarantine",
  "home.conflictsCount": "{n} differing entries",
  "home.quarantineCount": "{n} items in quarantine",
  "home.openConflicts": "Resolve differing entries",
};
