# Unit named kube-apiserver that runs a Python mock for CI; the executable decides the component, not the unit name.
{ pkgs, ... }:

let
  mock = pkgs.writeText "mock-apiserver.py" ''
    import sys
    print("mock apiserver", sys.argv[1:])
  '';
in
{
  systemd.services.kube-apiserver = {
    description = "mock kube-apiserver for integration tests";
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.python3}/bin/python3 ${mock} --authorization-mode=RBAC --port=6443";
  };
}
