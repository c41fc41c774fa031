# Other options with a `settings` attrset whose keys look like paths and types.
{ config, lib, ... }:

{
  virtualisation.containerd.settings = {
    plugins."io.containerd.grpc.v1.cri".containerd.snapshotter = "overlayfs";
    plugins."io.containerd.grpc.v1.cri".cni.bin_dir = "/opt/cni/bin";
  };
  services.foo.settings."/var/lib/kubelet".d = {
    owner = "root";
    perm = 755;
  };
}
