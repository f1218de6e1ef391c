// English text, split by screen area like ../ja: every key of the Japanese catalog, and no other
// (the types below and catalogs.test.ts both check).
import type { ja } from "../ja";
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

/** The English texts for a Japanese part: the same keys, each a string. */
export type Texts<T> = { readonly [K in keyof T]: string };

export type Catalog = Texts<typeof ja>;

/** Each area's texts, named as in ../ja. */
export const enParts = { common, vault, home, household, cases, cycle, disposal, meeting, request, records, exchange, audit, statistics } as const;

export const en: Catalog = { ...common, ...vault, ...home, ...household, ...cases, ...cycle, ...disposal, ...meeting, ...request, ...records, ...exchange, ...audit, ...statistics };
