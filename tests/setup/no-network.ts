/**
 * No test may reach the real network: nock refuses every host but this machine's loopback,
 * where the tests run their own servers (and Redis/Postgres when their URLs are set).
 */
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(localhost|127\.0\.0\.1|\[::1\]|::1)(:\d+)?$/.test(host));
