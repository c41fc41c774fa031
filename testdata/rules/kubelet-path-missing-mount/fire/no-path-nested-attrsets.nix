# Hand-built kubelet unit written as nested attrsets (systemd = { services = { ... }; }) with no `path` at all. Finding: line 7 (`k8s-kubelet = {`).
{ config, pkgs, ... }:

{
  systemd = {
    services = {
      k8s-kubelet = {
        description = "Kubernetes Kubelet";
        wantedBy = [ "multi-user.target" ];
        after = [ "containerd.service" ];
        serviceConfig = {
          ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet.yaml --kubeconfig=/etc/kubernetes/kubelet.kubeconfig";
          Restart = "always";
        };
      };
    };
  };
}
