# Config name interpolated from a known let value, entries merged with `//` and lib.mkMerge, path keys interpolated from a known absolute dir.
{ lib, ... }:

let
  prefix = "30";
  stateDir = "/var/lib/kubernetes";
  pki = { "${stateDir}/pki".d = { mode = "0700"; user = "kubernetes"; }; };
  manifests = { "${stateDir}/manifests".d = { mode = "0755"; }; };
in
{
  systemd.tmpfiles.settings = lib.mkMerge [
    { "${prefix}-kubernetes" = pki // manifests; }
    { "${prefix}-kubernetes"."/var/log/kubernetes".d.age = "30d"; }
  ];
}
