# Nested attrsets under lib.mkIf; the path "var/lib/rancher/k3s" is relative. Finding: line 12 (`"var/lib/rancher/k3s" = {`).
{ config, lib, ... }:

let
  cfg = config.services.k3s;
in
{
  systemd = lib.mkIf cfg.enable {
    tmpfiles = {
      settings = {
        "10-k3s" = {
          "var/lib/rancher/k3s" = {
            d = { mode = "0700"; user = "root"; group = "root"; };
          };
        };
      };
    };
  };
}
