{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.k8s;
  pki = "/var/lib/kubelet/pki";

  kubeconfig = pkgs.writeText "kubelet.kubeconfig" (builtins.toJSON {
    apiVersion = "v1";
    kind = "Config";
    clusters = [
      {
        name = "homelab";
        cluster = {
          server = "https://cp1.k8s.internal:6443";
          certificate-authority = "${pki}/ca.pem";
        };
      }
    ];
    users = [
      {
        name = "kubelet";
        user = {
          client-certificate = "${pki}/kubelet.pem";
          client-key = "${pki}/kubelet-key.pem";
        };
      }
    ];
    contexts = [ { name = "default"; context = { cluster = "homelab"; user = "kubelet"; }; } ];
    current-context = "default";
  });

  kubeletConfig = pkgs.writeText "kubelet-config.json" (builtins.toJSON {
    apiVersion = "kubelet.config.k8s.io/v1beta1";
    kind = "KubeletConfiguration";
    authentication.webhook.enabled = true;
    authorization.mode = "Webhook";
    cgroupDriver = "systemd";
    clusterDomain = "cluster.local";
    clusterDNS = [ "10.96.0.10" ];
    failSwapOn = false;
  });

  flags = [
    "--config=${kubeletConfig}"
    "--kubeconfig=${kubeconfig}"
    "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"
    "--node-ip=${cfg.nodeIP}"
    "--hostname-override=${config.networking.hostName}"
  ];
in
{
  config = lib.mkIf (cfg.role == "worker") {
    virtualisation.containerd.enable = true;

    systemd.services.k8s-kubelet = {
      description = "Kubernetes Kubelet";
      wantedBy = [ "multi-user.target" ];
      after = [ "containerd.service" "network-online.target" ];
      wants = [ "network-online.target" ];
      path = with pkgs; [ iptables iproute2 ethtool conntrack-tools socat ];
      serviceConfig = {
        ExecStart = "${pkgs.kubernetes}/bin/kubelet ${lib.escapeShellArgs flags}";
        Restart = "always";
        RestartSec = "10s";
      };
    };
  };
}
