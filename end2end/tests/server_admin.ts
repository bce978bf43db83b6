import { execFileSync } from "node:child_process";

/** `server admin …`, run as the people who run the server would, against the database and key of
 * the server under test (scripts/release-server.sh exports them). */
export function serverAdmin(...args: string[]): string {
  return execFileSync("../target/release/server", ["admin", ...args], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.RELEASE_DATABASE_URL,
      WEBAPP_KEY_FILE: process.env.RELEASE_KEY_FILE,
      RUST_LOG: "warn",
    },
  }).toString();
}
