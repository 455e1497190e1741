// What the stand-in measures, as k6 names it: checks (a rate), http_req_failed (a rate), http_req_duration (a trend).
export const metrics = {
  checks: { passes: 0, fails: 0, failed: new Map() },
  http_req_failed: { passes: 0, fails: 0 },
  http_req_duration: [],
  requests: 0,
};
