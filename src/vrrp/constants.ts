// VRRP protocol constants, with the RFC sections that define them.

/** RFC 3768 section 5.2.4 / RFC 5798 section 5.1.1.4: IP protocol number */
export const vrrpProtocol = 112;
/** RFC 3768 section 5.2.2 / RFC 5798 section 5.1.1.2: the IPv4 multicast group */
export const vrrpMulticastV4 = '224.0.0.18';
/** RFC 5798 section 5.1.2.2: the IPv6 multicast group */
export const vrrpMulticastV6 = 'ff02::12';
/** RFC 3768 section 5.2.3 / RFC 5798 section 5.1.1.3: sent with TTL (hop limit) 255, others dropped */
export const vrrpTtl = 255;
/** RFC 3768 section 5.3.3 / RFC 5798 section 5.2.2: the advertisement type */
export const advertisementType = 1;
/** RFC 3768 section 5.3.4: priority 255 is the address owner, 0 means the master stops */
export const ownerPriority = 255;
export const stopPriority = 0;
/** RFC 3768 section 5.3.6: authentication types (RFC 5798 removed authentication) */
export const AuthType = { none: 0, simple: 1, ah: 2 } as const;
export type AuthType = (typeof AuthType)[keyof typeof AuthType];
/** RFC 3768 section 5.3.10: 8 octets of authentication data */
export const authDataLength = 8;
/** RFC 5798 section 5.2.7: Max Advertise Interval has 12 bits of centiseconds */
export const maxV3IntervalCs = 0x0fff;

export type VrrpVersion = 2 | 3;
export type IpFamily = 4 | 6;
