{ config, lib, ... }:

let
  inherit (lib) mkOption types;
in
{
  imports = [
    ./control-plane.nix
    ./kubelet.nix
    ./k3s.nix
    ./tmpfiles.nix
  ];

  options.homelab.k8s = {
    role = mkOption {
      type = types.enum [ "none" "control-plane" "worker" "k3s-server" "k3s-agent" ];
      default = "none";
      description = "What this host does in the cluster.";
    };
    nodeIP = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Address the kubelet advertises.";
    };
  };

  config = {
    networking.hosts = {
      "10.0.0.10" = [ "cp1.k8s.internal" ];
      "10.0.0.21" = [ "node1.k8s.internal" ];
    };
  };
}
