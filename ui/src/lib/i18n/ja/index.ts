// 日本語の文言（既定の言語）。画面に出る文字はすべてこのフォルダと ../en にあり、両方のキーは同じで
// なければなりません（catalogs.test.ts が確かめます）。{name} の形の部分は表示のときに置き換えます。
// 画面の領域ごとに一つのファイルに分け、ここで一つにまとめます。
import { audit } from "./audit";
import { cases } from "./cases";
import { common } from "./common";
import { cycle } from "./cycle";
import { disposal } from "./disposal";
import { exchange } from "./exchange";
import { home } from "./home";
import { household } from "./household";
import { meeting } from "./meeting";
import { records } from "./records";
import { request } from "./request";
import { statistics } from "./statistics";
import { vault } from "./vault";

/** Each area's texts; a key belongs to exactly one (catalogs.test.ts checks). */
export const jaParts = { common, vault, home, household, cases, cycle, disposal, meeting, request, records, exchange, audit, statistics } as const;

export const ja = { ...common, ...vault, ...home, ...household, ...cases, ...cycle, ...disposal, ...meeting, ...request, ...records, ...exchange, ...audit, ...statistics } as const;
