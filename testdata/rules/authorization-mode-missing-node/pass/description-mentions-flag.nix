# The flag text only appears in `description`; the command line uses --authorization-config, no --authorization-mode.
{ pkgs, ... }:

{
  systemd.services.kube-apiserver = {
    description = "kube-apiserver --authorization-mode=RBAC (migrated to structured authz config)";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kube-apiserver --authorization-config=/etc/kubernetes/authz-config.yaml --secure-port=6443";
  };
}
