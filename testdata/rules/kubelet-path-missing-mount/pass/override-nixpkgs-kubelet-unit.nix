# Overrides ExecStart of nixpkgs' systemd.services.kubelet in a file that also configures services.kubernetes (module supplies path).
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "cp1.k8s.internal";
  };

  systemd.services.kubelet.serviceConfig.ExecStart = lib.mkForce
    "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml --kubeconfig=/etc/kubernetes/kubelet.kubeconfig";
}
