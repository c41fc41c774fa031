# nixpkgs' own kubelet module (services.kubernetes.kubelet) sets its own path; never flagged.
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "cp1.k8s.internal";
    kubelet = {
      enable = true;
      extraOpts = "--fail-swap-on=false";
      taints.dedicated = {
        key = "dedicated";
        value = "gpu";
        effect = "NoSchedule";
      };
    };
  };
}
