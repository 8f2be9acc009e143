// HAProxy 2.6's statistics fields: their order (the CSV columns of `show stat` and `;csv`) and,
// per object type, the tags and value type that `show stat typed` and `show stat json` print.
// Captured from haproxy 2.6.12 (`show stat` and `show stat typed` on a stats socket); the CSV
// header is also kept verbatim in test/admin/fixtures/haproxy-2.6-csv-header.txt.

/**
 * One field: name, then "tags:type" for frontend|backend|server as `show stat typed` prints them
 * (origin, nature, scope letters: K key, C config, M metric, S status; G gauge, C counter ...).
 * Empty where HAProxy 2.6 never prints the field for that object type.
 */
const table: readonly (readonly [string, string])[] = [
  ["pxname", "KNS:str|KNS:str|KNS:str"],
  ["svname", "KNS:str|KNS:str|KNS:str"],
  ["qcur", "|MGP:u32|MGP:u32"],
  ["qmax", "|MMP:u32|MMP:u32"],
  ["scur", "MGP:u32|MGP:u32|MGP:u32"],
  ["smax", "MMP:u32|MMP:u32|MMP:u32"],
  ["slim", "CLP:u32|CLP:u32|"],
  ["stot", "MCP:u64|MCP:u64|MCP:u64"],
  ["bin", "MCP:u64|MCP:u64|MCP:u64"],
  ["bout", "MCP:u64|MCP:u64|MCP:u64"],
  ["dreq", "MCP:u64|MCP:u64|"],
  ["dresp", "MCP:u64|MCP:u64|MCP:u64"],
  ["ereq", "MCP:u64||"],
  ["econ", "|MCP:u64|MCP:u64"],
  ["eresp", "|MCP:u64|MCP:u64"],
  ["wretr", "|MCP:u64|MCP:u64"],
  ["wredis", "|MCP:u64|MCP:u64"],
  ["status", "SGP:str|SGP:str|SGP:str"],
  ["weight", "|MaP:u32|MaP:u32"],
  ["act", "|MGP:u32|SGP:u32"],
  ["bck", "|MGP:u32|SGP:u32"],
  ["chkfail", "||MCP:u64"],
  ["chkdown", "|MCP:u64|MCP:u64"],
  ["lastchg", "|MAP:u32|MAP:u32"],
  ["downtime", "|MCP:u32|MCP:u32"],
  ["qlimit", ""],
  ["pid", "KGP:u32|KGP:u32|KGP:u32"],
  ["iid", "KGS:u32|KGS:u32|KGS:u32"],
  ["sid", "KGS:u32|KGS:u32|KGS:u32"],
  ["throttle", ""],
  ["lbtot", "|MCP:u64|MCP:u64"],
  ["tracked", ""],
  ["type", "CGS:u32|CGS:u32|CGS:u32"],
  ["rate", "MRP:u32|MGP:u32|MRP:u32"],
  ["rate_lim", "CLP:u32||"],
  ["rate_max", "MMP:u32|MGP:u32|MMP:u32"],
  ["check_status", "||MOP:str"],
  ["check_code", ""],
  ["check_duration", "||MDP:u64"],
  ["hrsp_1xx", "MCP:u64|MCP:u64|MCP:u64"],
  ["hrsp_2xx", "MCP:u64|MCP:u64|MCP:u64"],
  ["hrsp_3xx", "MCP:u64|MCP:u64|MCP:u64"],
  ["hrsp_4xx", "MCP:u64|MCP:u64|MCP:u64"],
  ["hrsp_5xx", "MCP:u64|MCP:u64|MCP:u64"],
  ["hrsp_other", "MCP:u64|MCP:u64|MCP:u64"],
  ["hanafail", ""],
  ["req_rate", "MRP:u32||"],
  ["req_rate_max", "MMP:u32||"],
  ["req_tot", "MCP:u64|MCP:u64|MCP:u64"],
  ["cli_abrt", "|MCP:u64|MCP:u64"],
  ["srv_abrt", "|MCP:u64|MCP:u64"],
  ["comp_in", "MCP:u64|MCP:u64|"],
  ["comp_out", "MCP:u64|MCP:u64|"],
  ["comp_byp", "MCP:u64|MCP:u64|"],
  ["comp_rsp", "MCP:u64|MCP:u64|"],
  ["lastsess", "|MAP:s32|MAP:s32"],
  ["last_chk", "||MOP:str"],
  ["last_agt", ""],
  ["qtime", "|MaP:u32|MaP:u32"],
  ["ctime", "|MaP:u32|MaP:u32"],
  ["rtime", "|MaP:u32|MaP:u32"],
  ["ttime", "|MaP:u32|MaP:u32"],
  ["agent_status", ""],
  ["agent_code", ""],
  ["agent_duration", ""],
  ["check_desc", "||MOP:str"],
  ["agent_desc", ""],
  ["check_rise", "||CGS:u32"],
  ["check_fall", "||CGS:u32"],
  ["check_health", "||CGS:u32"],
  ["agent_rise", ""],
  ["agent_fall", ""],
  ["agent_health", ""],
  ["addr", "||CGS:str"],
  ["cookie", ""],
  ["mode", "CGS:str|CGS:str|CGS:str"],
  ["algo", "|CGS:str|"],
  ["conn_rate", "MRP:u32||"],
  ["conn_rate_max", "MMP:u32||"],
  ["conn_tot", "MCP:u64||"],
  ["intercepted", "MCP:u64||"],
  ["dcon", "MCP:u64||"],
  ["dses", "MCP:u64||"],
  ["wrew", "MCP:u64|MCP:u64|MCP:u64"],
  ["connect", "|MCP:u64|MCP:u64"],
  ["reuse", "|MCP:u64|MCP:u64"],
  ["cache_lookups", "MCP:u64|MCP:u64|"],
  ["cache_hits", "MCP:u64|MCP:u64|"],
  ["srv_icur", "||MGP:u32"],
  ["src_ilim", ""],
  ["qtime_max", "|MMP:u32|MMP:u32"],
  ["ctime_max", "|MMP:u32|MMP:u32"],
  ["rtime_max", "|MMP:u32|MMP:u32"],
  ["ttime_max", "|MMP:u32|MMP:u32"],
  ["eint", "MCP:u64|MCP:u64|MCP:u64"],
  ["idle_conn_cur", "||MGP:u32"],
  ["safe_conn_cur", "||MGP:u32"],
  ["used_conn_cur", "||MGP:u32"],
  ["need_conn_est", "||MGP:u32"],
  ["uweight", "|MaP:u32|MaP:u32"],
  ["agg_server_status", "|MGP:u32|"],
  ["agg_server_check_status", "|MGP:u32|"],
  ["agg_check_status", "|MGP:u32|"],
  ["-", ""],
  ["ssl_sess", "MCP:u64|MCP:u64|MCP:u64"],
  ["ssl_reused_sess", "MCP:u64|MCP:u64|MCP:u64"],
  ["ssl_failed_handshake", "MCP:u64|MCP:u64|MCP:u64"],
  ["h2_headers_rcvd", "MCP:u64|MCP:u64|"],
  ["h2_data_rcvd", "MCP:u64|MCP:u64|"],
  ["h2_settings_rcvd", "MCP:u64|MCP:u64|"],
  ["h2_rst_stream_rcvd", "MCP:u64|MCP:u64|"],
  ["h2_goaway_rcvd", "MCP:u64|MCP:u64|"],
  ["h2_detected_conn_protocol_errors", "MCP:u64|MCP:u64|"],
  ["h2_detected_strm_protocol_errors", "MCP:u64|MCP:u64|"],
  ["h2_rst_stream_resp", "MCP:u64|MCP:u64|"],
  ["h2_goaway_resp", "MCP:u64|MCP:u64|"],
  ["h2_open_connections", "MGP:u64|MGP:u64|"],
  ["h2_backend_open_streams", "MGP:u64|MGP:u64|"],
  ["h2_total_connections", "MCP:u64|MCP:u64|"],
  ["h2_backend_total_streams", "MCP:u64|MCP:u64|"],
  ["h1_open_connections", "MGP:u64|MGP:u64|"],
  ["h1_open_streams", "MGP:u64|MGP:u64|"],
  ["h1_total_connections", "MCP:u64|MCP:u64|"],
  ["h1_total_streams", "MCP:u64|MCP:u64|"],
  ["h1_bytes_in", "MCP:u64|MCP:u64|"],
  ["h1_bytes_out", "MCP:u64|MCP:u64|"],
  ["h1_spliced_bytes_in", "MCP:u64|MCP:u64|"],
  ["h1_spliced_bytes_out", "MCP:u64|MCP:u64|"],
];

/** field names in CSV order; "-" separates HAProxy's own fields from the per-module ones */
export const statFields: readonly string[] = table.map(([name]) => name);


/** position of each field, for typed output */
export const fieldPosition: ReadonlyMap<string, number> = new Map(statFields.map((name, i) => [name, i]));

export type ObjectType = 'frontend' | 'backend' | 'server';

export interface FieldType {
  /** three letters: origin, nature, scope (HAProxy's FO_*, FN_*, FS_*) */
  readonly tags: string;
  readonly type: 'str' | 'u32' | 's32' | 'u64' | 's64' | 'flt';
}

const objectIndex: Readonly<Record<ObjectType, number>> = { frontend: 0, backend: 1, server: 2 };
const types: ReadonlyMap<string, readonly string[]> = new Map(table.map(([name, spec]) => [name, spec.split('|')]));

/**
 * The tags and type HAProxy prints for `field` of an object type. Fields HAProxy leaves out for
 * that type (or vigil fills and HAProxy did not, like check_code) default to a gauge of its value.
 */
export function fieldType(field: string, object: ObjectType, value: string | number): FieldType {
  const spec = types.get(field)?.[objectIndex[object]] ?? types.get(field)?.find((s) => s !== '');
  if (spec !== undefined && spec !== '') {
    const [tags, type] = spec.split(':') as [string, FieldType['type']];
    return { tags, type };
  }
  return { tags: 'MGP', type: typeof value === 'number' ? (value < 0 ? 's32' : 'u32') : 'str' };
}

/** HAProxy's tag letters spelled out, as `show stat json` prints them */
export const tagNames = {
  origin: { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' },
  nature: { A: 'Age', a: 'Avg', C: 'Counter', D: 'Duration', G: 'Gauge', L: 'Limit', M: 'Max', N: 'Name', O: 'Output', R: 'Rate', T: 'Time' },
  scope: { P: 'Process', S: 'Service', s: 'System', C: 'Cluster' },
} as const;
