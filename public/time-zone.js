// The browser's time zone, for the dates and times the pages and mails show (app/src/dates.rs):
// a cookie the server reads, set again only when the zone changed. Not a secret.
(() => {
  "use strict";
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
    if (document.cookie.split("; ").includes(`tz=${zone}`)) return;
    document.cookie = `tz=${zone}; path=/; max-age=31536000; samesite=lax`;
  } catch (_) {
    // No Intl: the pages keep showing UTC, and say so.
  }
})();
