{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf mkMerge;
  cfg = config.homelab.k8s;

  # edge1 announces itself over avahi
  serverAddr = "https://edge1.local:6443";
in
{
  config = mkMerge [
    (mkIf (cfg.role == "k3s-server") {
      services.k3s = {
        enable = true;
        role = "server";
        clusterInit = true;
        extraFlags = toString [
          "--disable=traefik"
          "--write-kubeconfig-mode=0640"
          "--tls-san=edge1.k8s.internal"
        ];
      };
      networking.firewall.allowedTCPPorts = [ 6443 10250 ];
    })

    (mkIf (cfg.role == "k3s-agent") {
      services.k3s = {
        enable = true;
        role = "agent";
        inherit serverAddr;
      };
    })

    (mkIf (cfg.role == "k3s-server" || cfg.role == "k3s-agent") {
      services.k3s.tokenFile = lib.mkDefault "/run/secrets/k3s-token";
      networking.firewall.allowedUDPPorts = [ 8472 ];
      environment.systemPackages = [ pkgs.k3s ];
    })
  ];
}
