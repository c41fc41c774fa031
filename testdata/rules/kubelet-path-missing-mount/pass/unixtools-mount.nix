# pkgs.unixtools.mount provides mount; kubelet started from `script`.
{ pkgs, ... }:

{
  systemd.services.k8s-kubelet = {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.unixtools.mount pkgs.iptables ];
    script = ''
      exec ${pkgs.kubernetes}/bin/kubelet \
        --config=/etc/kubernetes/kubelet.yaml
    '';
  };
}
