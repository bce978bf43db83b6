import { execFileSync } from "node:child_process";

/**
 * The code an authenticator app shows for a base32 key, from oathtool (Debian's oath-toolkit):
 * an implementation independent of the server's.
 */
export function appCode(base32Key: string, offsetSeconds = 0): string {
  const at = Math.floor(Date.now() / 1000) + offsetSeconds;
  return execFileSync(
    "oathtool",
    ["--totp", "--base32", `--now=@${at}`, base32Key.replace(/\s+/g, "")],
    { encoding: "utf8" },
  ).trim();
}

/** As Microsoft Authenticator shows it: "123 456". */
export function withSpace(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** Decodes the QR code in a PNG file with zbarimg (Debian's zbar-tools). */
export function decodeQr(pngPath: string): string {
  return execFileSync("zbarimg", ["--quiet", "--raw", pngPath], { encoding: "utf8" }).trim();
}
