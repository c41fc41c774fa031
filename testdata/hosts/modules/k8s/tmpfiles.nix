{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.k8s;
  isKubeNode = cfg.role == "control-plane" || cfg.role == "worker";
in
{
  config = lib.mkIf isKubeNode {
    systemd.tmpfiles.settings = {
      "10-kubelet" = {
        "/var/lib/kubelet".d = { mode = "0750"; user = "root"; group = "root"; };
        "/var/lib/kubelet/pki".d = { mode = "0700"; user = "root"; group = "root"; };
        "/var/log/pods".d = { mode = "0755"; age = "7d"; };
      };
      "20-cni" = {
        "/etc/cni/net.d".d = { mode = "0755"; };
        "/opt/cni/bin"."L+".argument = "${pkgs.cni-plugins}/bin";
      };
      "/etc/kubernetes/manifests".d = { mode = "0700"; user = "root"; };
    };
  };
}
