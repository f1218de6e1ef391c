// 開示請求（保有個人情報の開示請求）：世帯員ひとりについての記録をすべてまとめ、評価・判断と第三者の
// 情報に印を付けて、審査する人のために印刷やファイルへの出力をする画面の文言。
export const request = {
  "request.open": "開示請求の記録",
  "request.title": "開示請求の記録：{name}",
  "request.help":
    "{name}さんについて、このPCの記録データにある記録をすべてまとめました。職員や会議の評価・判断と、第三者の情報には印を付けています。開示するかどうかは、審査で決めます。",
  "request.fileTitle": "審査用のファイルに出力（JSON）",
  "request.fileHelp": "審査に使う道具で読めるファイル（JSON形式）を、選んだフォルダに出力します。同じ名前のファイルがあっても上書きしません。",
  "request.folder": "出力先のフォルダ",
  "request.placeholder": "「選ぶ…」で出力先のフォルダを選んでください",
  "request.choose": "選ぶ…",
  "request.chooseTitle": "開示請求の記録を出力するフォルダを選んでください",
  "request.export": "ファイルに出力する",
  "request.written": "{path} に出力しました。このファイルは暗号化されていません。審査が終わったら削除してください。",
} as const;
