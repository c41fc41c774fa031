{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf;
  cfg = config.homelab.k8s;
in
{
  config = mkIf (cfg.role == "control-plane") {
    services.kubernetes = {
      roles = [ "master" "node" ];
      masterAddress = "cp1.k8s.internal";
      apiserverAddress = "https://cp1.k8s.internal:6443";
      easyCerts = true;
      clusterCidr = "10.244.0.0/16";

      apiserver = {
        securePort = 6443;
        advertiseAddress = "10.0.0.10";
        serviceClusterIpRange = "10.96.0.0/12";
        # RBAC only, no legacy ABAC / AlwaysAllow
        authorizationMode = [ "RBAC" ];
        extraOpts = "--audit-log-path=/var/log/kubernetes/audit.log --audit-log-maxage=30";
      };

      addons.dns = {
        enable = true;
        clusterDomain = "cluster.local";
      };
      kubelet.extraOpts = "--fail-swap-on=false";
    };

    networking.firewall.allowedTCPPorts = [ 6443 2379 2380 10250 ];
    environment.systemPackages = with pkgs; [ kubectl kubernetes-helm ];
  };
}
