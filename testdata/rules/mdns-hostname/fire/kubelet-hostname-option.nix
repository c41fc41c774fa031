# { options; config } module; services.kubernetes.kubelet.hostname from an interpolated string with a known ".local" suffix. Finding: line 14 (`hostname = "${config.networking.hostName}.local";`).
{ config, lib, ... }:

let
  inherit (lib) mkIf;
  cfg = config.homelab.k8s;
in
{
  options.homelab.k8s.enable = lib.mkEnableOption "this host as a Kubernetes node";

  config = mkIf cfg.enable {
    services.kubernetes.roles = [ "node" ];
    services.kubernetes.masterAddress = "cp1.k8s.internal";
    services.kubernetes.kubelet.hostname = "${config.networking.hostName}.local";
  };
}
