// Importing this module registers every check type with the checker registry.
import './tcp-connect.ts';
import './http.ts';
import './tcp-check.ts';
import './misc.ts';
import './dns.ts';
import './smtp.ts';
