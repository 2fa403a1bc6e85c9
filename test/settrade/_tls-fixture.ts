/**
 * A self-signed certificate for 127.0.0.1 and localhost, valid 2000–2200, with
 * its private key: for TLS tests on the loopback interface only. Not a secret.
 */

/** Private key (PKCS#8 PEM) of {@link TEST_CERT}. */
export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1qULTLW0kziuVTqV
I9lTaayqLux1JXj6ggnEUpWHtiKhRANCAASNDV6TLgvcaz1YMjT78NpcSzMNUrm5
0OPI3H63/nbmOFazGH3HlW+qnWBZCwe/UL1sYmYKAsT25KtnDGk6zdh5
-----END PRIVATE KEY-----
`;

/** Self-signed certificate (PEM), also its own certificate authority. */
export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBdjCCAR2gAwIBAgIUcadsfHzjiiMGGUFeEc/OsXdDwkowCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXdGlja3dpcmUgdGVzdCAxMjcuMC4wLjEwIBcNMDAwMTAxMDAw
MDAwWhgPMjIwMDAxMDEwMDAwMDBaMCIxIDAeBgNVBAMMF3RpY2t3aXJlIHRlc3Qg
MTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjQ1eky4L3Gs9WDI0
+/DaXEszDVK5udDjyNx+t/525jhWsxh9x5Vvqp1gWQsHv1C9bGJmCgLE9uSrZwxp
Os3YeaMvMC0wGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgNdsKWXsO1u3Zo81zVr2eB1qPGu9KKkLs
YNt5sI3ErYQCIC8ndKdj2ysxpCruI/mKDLAq+9QdVeHMnBEmGh47XQNl
-----END CERTIFICATE-----
`;
