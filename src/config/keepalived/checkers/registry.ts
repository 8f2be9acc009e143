// Every checker type a real_server block accepts, one entry per file of this folder.
import type { Keyword } from '../../keywords.ts';
import { recognised } from '../recognised.ts';
import type { CheckerOwner } from './common.ts';
import { dnsCheckKeyword } from './dns.ts';
import { fileCheckKeyword } from './file.ts';
import { httpGetKeyword, sslGetKeyword } from './http.ts';
import { miscCheckKeyword } from './misc.ts';
import { pingCheckKeyword } from './ping.ts';
import { smtpCheckKeyword } from './smtp.ts';
import { tcpCheckKeyword } from './tcp.ts';
import { udpCheckKeyword } from './udp.ts';

export const checkerKeywords: readonly Keyword<CheckerOwner>[] = [
  tcpCheckKeyword,
  httpGetKeyword,
  sslGetKeyword,
  miscCheckKeyword,
  dnsCheckKeyword,
  smtpCheckKeyword,
  udpCheckKeyword,
  pingCheckKeyword,
  fileCheckKeyword,
  ...recognised<CheckerOwner>('checker type', ['BFD_CHECK']),
];
