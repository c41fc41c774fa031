# Interpolated path keys ("${stateDir}/pki") built from a let-bound relative dir, merged with `//`. Findings: line 7 (`"${stateDir}/pki".d = {`), line 10 (`"${stateDir}/manifests".d = {`); used at line 14 (`pkiDirs // manifestDirs`).
{ ... }:

let
  stateDir = "var/lib/kubernetes";
  pkiDirs = {
    "${stateDir}/pki".d = { mode = "0700"; user = "kubernetes"; };
  };
  manifestDirs = {
    "${stateDir}/manifests".d = { mode = "0755"; };
  };
in
{
  systemd.tmpfiles.settings."10-kubernetes" = pkiDirs // manifestDirs;
}
